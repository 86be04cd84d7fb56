// Unit type-ahead of the cadre filters (people/forms.py UnitPickerInput): htmx fills the list of
// suggestions; choosing one puts its id into the hidden `unit` field. Typing again forgets the id,
// so that what is submitted is always what the box shows.
(function () {
  function close(picker) {
    const results = picker.querySelector("[data-unit-pick-results]");
    if (results) results.replaceChildren();
  }
  document.addEventListener("click", function (event) {
    const option = event.target.closest("[data-unit-id]");
    const picker = event.target.closest("[data-unit-picker]");
    document.querySelectorAll("[data-unit-picker]").forEach(function (p) {
      if (p !== picker) close(p);
    });
    if (!option || !picker) return;
    picker.querySelector("input[type=hidden]").value = option.dataset.unitId;
    const box = picker.querySelector("input[type=text]");
    box.value = option.dataset.unitName;
    close(picker);
    box.focus();
  });
  document.addEventListener("input", function (event) {
    const picker = event.target.closest("[data-unit-picker]");
    if (picker && event.target.type === "text") picker.querySelector("input[type=hidden]").value = "";
  });
  document.addEventListener("keydown", function (event) {
    const picker = event.target.closest("[data-unit-picker]");
    if (picker && event.key === "Escape") close(picker);
  });
})();
