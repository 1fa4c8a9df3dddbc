// Selects marked data-autosubmit send their form when changed (the pages carry no inline script:
// the Content-Security-Policy allows scripts from /static only).
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLElement && field.matches("[data-autosubmit]") && field.form) {
    field.form.submit();
  }
});
