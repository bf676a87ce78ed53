"""Running the newspaper: health checks, error reports, access logs, metrics, backups and the morning's figures."""
