"""Site migration (迁移): legacy government sites brought onto the platform with their content, files and every
old URL kept."""
