using Nsqd.Core;
using Nsqd.Core.CommandLine;

// nsqd as a process: nsqd's own command line (and --config file, appsettings, environment) -> NsqdOptions,
// then the engine with the shared ServiceDefaults (telemetry, /health, /alive). Exit codes follow nsqd:
// 0 after --version/--help, 2 for a flag usage error, 1 for a bad value or a failure to start.

return await DaemonProcess.RunAsync(NsqdCommandLine.Definition, args, NsqdServer.Create).ConfigureAwait(false);
