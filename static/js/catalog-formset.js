// 事项 editor: “增加一行” adds a row in place (the button submits the form when scripts do not run).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-formset] button[name='add_row']");
  if (!button) return;
  var fieldset = button.closest("[data-formset]");
  var prefix = fieldset.getAttribute("data-formset");
  var total = fieldset.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
  var template = fieldset.querySelector("template[data-empty-row]");
  var body = fieldset.querySelector("[data-rows]");
  if (!total || !template || !body) return;
  event.preventDefault();
  var index = parseInt(total.value, 10) || 0;
  var html = template.innerHTML.replace(/__prefix__/g, String(index));
  body.insertAdjacentHTML("beforeend", html);
  total.value = String(index + 1);
  var first = body.lastElementChild && body.lastElementChild.querySelector("input, textarea, select");
  if (first) first.focus();
});
