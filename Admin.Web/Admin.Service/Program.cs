using Admin.Core;
using Admin.Core.CommandLine;

// nsqadmin as a process: its command line (over appsettings "Admin" and the environment) -> AdminOptions, then the
// admin app with the shared ServiceDefaults. Exit codes: see DaemonMain.

return await DaemonProcess.RunAsync(AdminCommandLine.Definition, args, AdminServer.Create).ConfigureAwait(false);
