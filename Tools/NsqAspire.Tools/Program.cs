return await NsqAspire.Tools.NsqTool.RunAsync(args).ConfigureAwait(false);
