// 执法主体 form: the 委托机关 and 委托范围 fields only matter for a 受委托组织 (主体性质 = 委托).
// Progressive enhancement: without JavaScript both fields stay visible and the server checks them.
(function () {
  var nature = document.getElementById("id_nature");
  if (!nature) { return; }
  var wrappers = ["id_entrusting_agency", "id_entrusted_scope"].map(function (id) {
    var el = document.getElementById(id);
    return el ? el.closest(".mb-3") : null;
  }).filter(Boolean);
  function sync() {
    var entrusted = nature.value === "委托";
    wrappers.forEach(function (w) { w.hidden = !entrusted; });
  }
  nature.addEventListener("change", sync);
  sync();
})();
