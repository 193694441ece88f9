// The fleet's filter form works without scripts (a GET form); with them, a changed select applies at once.
const form = document.querySelector('form.filters');
if (form) {
  for (const select of form.querySelectorAll('select')) select.addEventListener('change', () => form.requestSubmit());
}
