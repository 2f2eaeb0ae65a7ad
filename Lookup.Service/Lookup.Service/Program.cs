// Placeholder entry point: replaced by the lookup host.
return 0;
