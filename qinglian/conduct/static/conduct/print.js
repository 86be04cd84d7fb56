// The print button of printable pages (no inline script: the CSP forbids it).
document.querySelectorAll("[data-ql-print]").forEach((b) => b.addEventListener("click", () => window.print()));
