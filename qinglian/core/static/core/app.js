// Small behaviours shared by every page. No inline scripts: the CSP allows only 'self'.

// htmx (loaded just before this file) processes the page on DOMContentLoaded; once it has, its
// controls may be clicked (see boot.js).
document.addEventListener("DOMContentLoaded", function () {
  window.setTimeout(function () {
    document.documentElement.classList.remove("ql-booting");
  }, 0);
});
document.addEventListener("submit", function (event) {
  const form = event.target;
  const question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
