using Lookup.Core;
using Lookup.Core.CommandLine;

// nsqlookupd as a process: its command line (over appsettings "Lookup", ConnectionStrings:redis and the environment)
// -> LookupOptions, then the engine with the shared ServiceDefaults. Exit codes: see DaemonMain.

return await DaemonProcess.RunAsync(LookupCommandLine.Definition, args, LookupServer.Create).ConfigureAwait(false);
