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
// Placing a client: a click on the map sends the spot (its pixel in the map's own coordinates).
document.addEventListener('click', function (event) {
  var svg = event.target.closest && event.target.closest('svg[data-pick]');
  if (!svg || event.target.closest('a')) return;
  var form = document.getElementById(svg.getAttribute('data-pick'));
  var point = svg.createSVGPoint();
  point.x = event.clientX; point.y = event.clientY;
  var spot = point.matrixTransform(svg.getScreenCTM().inverse());
  form.elements.x.value = Math.round(spot.x);
  form.elements.y.value = Math.round(spot.y);
  form.submit();
});
// Before printing a report, its filter form in words goes into the printed header.
window.addEventListener('beforeprint', function () {
  var target = document.querySelector('[data-print-filters]');
  var form = document.querySelector('main form[method=get]');
  if (!target || !form || target.textContent.trim()) return;
  var parts = [];
  Array.prototype.forEach.call(form.elements, function (field) {
    var label = field.id && form.querySelector('label[for="' + field.id + '"]');
    if (!label || !field.value || field.type === 'hidden') return;
    var value = field.tagName === 'SELECT' ? field.options[field.selectedIndex].text : field.value;
    parts.push(label.textContent.trim() + ': ' + value);
  });
  target.textContent = parts.join(' · ');
});
