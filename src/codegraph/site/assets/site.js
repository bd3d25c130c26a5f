/* codegraph site: sortable, filterable tables and evidence marking. No dependencies, no network.
   Without JavaScript every page still reads: tables show unsorted and unfiltered, and each fact
   links to its evidence span's anchor. */
(function () {
  'use strict';
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) { return ''; }
    return cell.hasAttribute('data-value') ? cell.getAttribute('data-value') : cell.textContent.trim();
  }

  function makeSortable(table) {
    var headers = table.tHead.rows[0].cells;
    each(headers, function (header, index) {
      var button = header.querySelector('button');
      if (!button) { return; }
      button.addEventListener('click', function () {
        var ascending = header.getAttribute('aria-sort') !== 'ascending';
        each(headers, function (other) { other.removeAttribute('aria-sort'); });
        header.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        var numeric = header.getAttribute('data-sort') === 'number';
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index), y = cellValue(b, index);
          var order = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0)
                              : x.localeCompare(y, undefined, { numeric: true, sensitivity: 'base' });
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function makeFilterable(form) {
    var table = document.getElementById(form.getAttribute('data-table'));
    if (!table) { return; }
    var text = form.querySelector('input[type=search]');
    var system = form.querySelector('select[name=system]');
    var shown = form.querySelector('.shown-count');
    function apply() {
      var words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
      var wanted = system ? system.value : '';
      var count = 0;
      each(table.tBodies[0].rows, function (row) {
        var haystack = row.textContent.toLowerCase();
        var visible = words.every(function (word) { return haystack.indexOf(word) !== -1; }) &&
                      (!wanted || row.getAttribute('data-system') === wanted);
        row.hidden = !visible;
        if (visible) { count += 1; }
      });
      shown.textContent = String(count);
    }
    text.addEventListener('input', apply);
    if (system) { system.addEventListener('change', apply); }
    form.addEventListener('submit', function (event) { event.preventDefault(); });
    form.hidden = false;
    apply();
  }

  var EVIDENCE = /^ev-[A-Za-z0-9-]+$/;

  function showEvidence(key, scroll) {
    each(document.querySelectorAll('.ev.active'), function (el) { el.classList.remove('active'); });
    each(document.querySelectorAll('a.fact.selected'), function (el) { el.classList.remove('selected'); });
    var pieces = document.querySelectorAll('.ev[data-ev~="' + key + '"]');
    each(pieces, function (el) { el.classList.add('active'); });
    each(document.querySelectorAll('a.fact[data-evidence="' + key + '"]'), function (el) { el.classList.add('selected'); });
    var status = document.querySelector('.evidence-status');
    if (status) {
      var anchor = document.getElementById(key);
      var where = anchor ? anchor.closest('.excerpt').querySelector('.where').textContent : '';
      var quote = Array.prototype.map.call(pieces, function (el) { return el.textContent; }).join('');
      status.textContent = pieces.length ? 'Evidence (' + where + '): \u201c' + quote + '\u201d' : 'This fact\u2019s evidence is not on this page.';
    }
    if (pieces.length && scroll) { pieces[0].scrollIntoView({ block: 'center' }); }
  }

  function linkTarget(link) {
    var href = link.getAttribute('href') || link.getAttribute('xlink:href') || '';
    return href.charAt(0) === '#' && EVIDENCE.test(href.slice(1)) ? href.slice(1) : null;
  }

  document.addEventListener('click', function (event) {
    var link = event.target && event.target.closest ? event.target.closest('a') : null;
    var key = link ? linkTarget(link) : null;
    if (!key) { return; }
    event.preventDefault();
    showEvidence(key, true);
    if (window.history && window.history.replaceState) { window.history.replaceState(null, '', '#' + key); }
  });

  function start() {
    each(document.querySelectorAll('table.sortable'), makeSortable);
    each(document.querySelectorAll('form.filters'), makeFilterable);
    var hash = window.location.hash.slice(1);
    if (EVIDENCE.test(hash)) { showEvidence(hash, true); }
  }
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', start); } else { start(); }
})();
