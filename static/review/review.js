// 法制审核 pages. Opinion form: "逐项标为无问题" ticks 无问题 on every review point (the reviewer then marks the points
// with problems), and the 处理意见 select is enabled only with the conclusion 存在问题. Works without this script
// (the server checks everything).
(function () {
  "use strict";
  var form = document.querySelector("form.sx-opinion");
  if (!form) return;
  var allOk = form.querySelector("[data-sx-all-ok]");
  if (allOk) {
    allOk.hidden = false;
    allOk.addEventListener("click", function () {
      var radios = form.querySelectorAll("input[type=radio][name^='ok_'][value='1']");
      for (var i = 0; i < radios.length; i++) radios[i].checked = true;
    });
  }
  var action = form.querySelector("select[name=action]");
  var conclusions = form.querySelectorAll("input[name=conclusion]");
  var sync = function () {
    var checked = form.querySelector("input[name=conclusion]:checked");
    if (!action || !checked) return;
    action.disabled = checked.value !== "problem";
    if (action.disabled) action.value = "";
  };
  for (var j = 0; j < conclusions.length; j++) conclusions[j].addEventListener("change", sync);
  sync();
})();
