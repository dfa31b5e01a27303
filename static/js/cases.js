// Case pages. New case: narrow the 办理程序 choices to those of the chosen 事项's category (a 处罚 事项 →
// 一般程序/简易程序). Case page: ticking 出示证件/告知 of an officer also ticks him as taking part. Works without
// this script (the server checks everything).
(function () {
  "use strict";
  var data = document.getElementById("sx-procedures");
  var item = document.getElementById("id_item");
  var procedure = document.getElementById("id_procedure");
  if (data && item && procedure) {
    var byCategory = JSON.parse(data.textContent || "{}");
    var narrow = function () {
      var option = item.options[item.selectedIndex];
      var category = option ? option.getAttribute("data-category") : null;
      var allowed = category ? byCategory[category] || [] : null;
      var firstAllowed = null;
      for (var i = 0; i < procedure.options.length; i++) {
        var o = procedure.options[i];
        var ok = !allowed || allowed.indexOf(o.value) >= 0;
        o.hidden = !ok;
        o.disabled = !ok;
        if (ok && firstAllowed === null) firstAllowed = o;
      }
      var current = procedure.options[procedure.selectedIndex];
      if ((!current || current.disabled) && firstAllowed) procedure.value = firstAllowed.value;
    };
    var simpleOnly = document.querySelector("[data-simple-only]");
    var toggleSimple = function () {
      if (simpleOnly) simpleOnly.hidden = procedure.value !== "penalty_simple";
    };
    item.addEventListener("change", function () { narrow(); toggleSimple(); });
    procedure.addEventListener("change", toggleSimple);
    narrow();
    toggleSimple();
  }
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches(".sx-officer-table input[type=checkbox]") || !box.checked) return;
    if (box.name === "officers") return;
    var row = box.closest("tr");
    var take = row && row.querySelector("input[name=officers]");
    if (take) take.checked = true;
  });
})();
