"""Object storage: CSV uploads and exports in a local directory or S3 (see ``base``)."""
