// The volunteer picker of the activity form: filter the members as one types.
// Without JavaScript the "Zoeken" button filters on the server; chosen
// volunteers are always shown.
document.addEventListener("DOMContentLoaded", () => {
  const zoek = document.querySelector("[data-vrijwilligers-zoek]");
  const lijst = document.querySelector("[data-vrijwilligers-lijst]");
  if (!zoek || !lijst) {
    return;
  }
  // Filtering happens as one types: the server's "Zoeken" button goes, so
  // Enter in another field saves the activity again.
  const knop = document.querySelector("[data-vrijwilligers-knop]");
  if (knop) {
    knop.remove();
  }
  const rijen = Array.from(lijst.querySelectorAll("[data-naam]"));
  const filter = () => {
    const tekst = zoek.value.trim().toLocaleLowerCase();
    rijen.forEach((rij) => {
      const gekozen = rij.querySelector("input[type=checkbox]").checked;
      rij.hidden = !gekozen && tekst !== "" && !rij.dataset.naam.includes(tekst);
    });
  };
  zoek.addEventListener("input", filter);
  // Enter in the filter filters; it does not submit the activity.
  zoek.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      filter();
    }
  });
  filter();
});
