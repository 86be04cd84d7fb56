# Conduct records are written through services only (audited); nothing is registered in the admin.
