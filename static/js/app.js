// Small conveniences on top of pages that work without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Change the language as soon as one is picked; the button stays for
  // keyboard and no-script users.
  const taal = document.getElementById("taal");
  if (taal) {
    taal.addEventListener("change", () => taal.form.submit());
  }
  // Ask before an irreversible action (buttons marked data-confirm).
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (event) => {
      if (!window.confirm(el.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });
});
