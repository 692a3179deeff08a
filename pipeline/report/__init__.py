"""The researcher's report (report.html, report.json): the numbers behind each picture, and the
self-contained page that draws them. Pure: the run folder writes what they return."""
