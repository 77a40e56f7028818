/* The operator console (placeholder until the page lands). */
