"""The public portal: what a tenant's citizens may see of the year's projects, without logging in."""
