// Loaded in <head>, before the page's body: until htmx has processed the page (app.js removes the
// class), a click on an htmx control would be lost, so app.css makes those controls inert. With
// JavaScript off this never runs and nothing is made inert.
document.documentElement.classList.add("ql-booting");
