"""统一信息资源库: sites, channels, documents, attachments, review workflow and publishing."""
