"""Running one bundle against the portal: browser, arrival, the filing, retries, evidence and traces."""
