"""Supervisors' monthly report (月报, issue 13): a pure model of its sections and two renderers, PDF and XLSX.

`model.build` makes the sections from the assessments' answers; `pdf.render_pdf` and
`xlsx.render_xlsx` lay them out; `monthly.MonthlyReports` gathers the answers for a division and
month. Made by `GET /v1/reports/monthly` and by `python -m services.projections.report`.
"""
