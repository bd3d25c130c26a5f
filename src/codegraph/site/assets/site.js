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

  /* Search over the index codegraph find uses (assets/search-index.js): codes exact or by prefix,
     names, titles, payer aliases and concept synonyms exact, by prefix or fuzzily (the closest run
     of words, as codegraph.search does with rapidfuzz). */
  function norm(text) {
    return text.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, ' ').trim();
  }

  function likeness(a, b) {  /* 100 * (1 - indel distance / total length), rapidfuzz's ratio */
    if (!a.length && !b.length) { return 100; }
    var previous = new Array(b.length + 1).fill(0);
    for (var i = 1; i <= a.length; i += 1) {
      var current = [0];
      for (var j = 1; j <= b.length; j += 1) {
        current[j] = a[i - 1] === b[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
      }
      previous = current;
    }
    return 200 * previous[b.length] / (a.length + b.length);
  }

  function phraseLikeness(query, form) {
    var words = form.split(' '), size = query.split(' ').length, best = 0;
    [Math.max(1, size - 1), size, size + 1].forEach(function (length) {
      for (var start = 0; start <= Math.max(0, words.length - length); start += 1) {
        best = Math.max(best, likeness(query, words.slice(start, start + length).join(' ')));
      }
    });
    return best;
  }

  var searchEntries = null;
  function entries() {
    if (searchEntries === null) {
      var index = window.codegraphSearch || { entries: [] };
      searchEntries = index.entries.map(function (entry) {
        entry.forms = entry.f.map(function (form) { return { text: form[0], how: form[1], norm: norm(form[0]) }; });
        return entry;
      });
    }
    return searchEntries;
  }

  function search(text) {
    var query = norm(text);
    if (!query) { return []; }
    var hits = [];
    entries().forEach(function (entry) {
      var best = null;
      entry.forms.forEach(function (form) {
        var score = 0, match = '';
        if (form.norm === query) { score = 100; match = 'exact'; }
        else if (form.norm.indexOf(query) === 0) { score = 90 + 9 * query.length / form.norm.length; match = 'prefix'; }
        else if (query.length >= 3 && form.how !== 'code' && form.how !== 'identifier') {
          var like = phraseLikeness(query, form.norm);
          if (like >= 75) { score = 0.85 * like; match = 'fuzzy'; }
        }
        if (score && form.how !== 'code' && form.how !== 'name' && form.how !== 'identifier' && form.how !== 'title') { score -= 1; }
        if (score && (!best || score > best.score)) { best = { entry: entry, score: score, match: match, form: form }; }
      });
      if (best) { hits.push(best); }
    });
    var kinds = ['code', 'payer', 'policy', 'concept', 'anatomy'];
    hits.sort(function (a, b) {
      return b.score - a.score || kinds.indexOf(a.entry.k) - kinds.indexOf(b.entry.k) || b.entry.c - a.entry.c;
    });
    return hits;
  }

  function showResults(list, hits, input) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    hits.slice(0, 8).forEach(function (hit) {
      var item = document.createElement('li');
      var kind = document.createElement('span');
      kind.className = 'kind';
      kind.textContent = hit.entry.k;
      item.appendChild(kind);
      var name;
      if (hit.entry.p) {
        name = document.createElement('a');
        name.href = hit.entry.p;
      } else {
        name = document.createElement('button');
        name.type = 'button';
        name.addEventListener('click', function () { input.value = hit.entry.n; input.dispatchEvent(new Event('input')); });
      }
      name.textContent = hit.entry.n;
      item.appendChild(name);
      var how = document.createElement('span');
      how.className = 'how';
      var via = hit.form.how === 'alias' || hit.form.how === 'synonym' ? ', ' + hit.form.how + ' \u201c' + hit.form.text + '\u201d' : '';
      how.textContent = ' ' + (hit.entry.d ? hit.entry.d + ' \u00b7 ' : '') + hit.entry.c + ' code' + (hit.entry.c === 1 ? '' : 's') +
        ' (' + hit.match + via + ')';
      item.appendChild(how);
      list.appendChild(item);
    });
    list.hidden = hits.length === 0;
  }

  function makeFilterable(form) {
    var table = document.getElementById(form.getAttribute('data-table'));
    if (!table) { return; }
    var text = form.querySelector('input[type=search]');
    var system = form.querySelector('select[name=system]');
    var shown = form.querySelector('.shown-count');
    var results = document.getElementById(form.getAttribute('data-results') || '');
    function apply() {
      var words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
      var wanted = system ? system.value : '';
      var hits = results ? search(text.value) : [];
      var codes = {}, names = {};
      hits.forEach(function (hit) {
        if (hit.entry.k === 'code') { codes[hit.entry.n] = true; } else { names[hit.entry.n.toLowerCase()] = true; }
      });
      var count = 0;
      each(table.tBodies[0].rows, function (row) {
        var haystack = row.textContent.toLowerCase();
        var rowNames = (row.getAttribute('data-names') || '').split('|');
        var found = words.every(function (word) { return haystack.indexOf(word) !== -1; }) ||
                    codes[row.getAttribute('data-code')] === true ||
                    rowNames.some(function (name) { return names[name] === true; });
        var visible = found && (!wanted || row.getAttribute('data-system') === wanted);
        row.hidden = !visible;
        if (visible) { count += 1; }
      });
      shown.textContent = String(count);
      if (results) { showResults(results, hits, text); }
    }
    text.addEventListener('input', apply);
    if (system) { system.addEventListener('change', apply); }
    form.addEventListener('submit', function (event) { event.preventDefault(); });
    form.hidden = false;
    var asked = /^#q=(.*)$/.exec(window.location.hash);
    if (asked) { text.value = decodeURIComponent(asked[1]); }
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
