// Progressive enhancement only: every page works without this file.
(function () {
  // Ask before destructive actions (archive, delete).
  document.addEventListener('submit', function (event) {
    var message = event.target.getAttribute('data-confirm');
    if (message && !window.confirm(message)) event.preventDefault();
  });
  // Quick search: submit after a short pause in typing, keeping the caret in the box.
  var box = document.querySelector('input[data-autosubmit]');
  if (box && box.form) {
    var timer;
    box.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { sessionStorage.setItem('cartera-refocus', '1'); box.form.submit(); }, 450);
    });
    if (sessionStorage.getItem('cartera-refocus')) {
      sessionStorage.removeItem('cartera-refocus');
      box.focus();
      box.setSelectionRange(box.value.length, box.value.length);
    }
  }
})();
// "Copy text" buttons: the activity as one line, to paste in a chat or an e-mail.
document.addEventListener('click', function (event) {
  var button = event.target.closest && event.target.closest('button[data-copy]');
  if (!button || !navigator.clipboard) return;
  navigator.clipboard.writeText(button.getAttribute('data-copy')).then(function () {
    button.textContent = button.getAttribute('data-copied');
  });
});
// "Print" buttons open the browser's print dialog (print.css lays the page out for paper).
document.addEventListener('click', function (event) {
  if (event.target.closest && event.target.closest('button[data-print]')) window.print();
});
