// Progressive enhancement only: every page works without this file.
(function () {
  // Move focus to a form's error summary, so screen readers announce it at once.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
