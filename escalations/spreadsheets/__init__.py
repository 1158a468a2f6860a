"""Configuration in spreadsheets: escalation matrices, RACI tables, SLA policies, escalation
ladders, contacts and rules exported to XLSX and CSV and imported back."""
