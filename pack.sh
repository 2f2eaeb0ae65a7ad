#!/usr/bin/env bash
# Packs the NuGet packages: the wire protocol, the client, its gRPC topology discovery, its hosting/Aspire client
# integration, the Aspire hosting integration and the operator tools (NsqAspire.Tools, the `nsq` .NET tool).
# Output: artifacts/packages/*.nupkg (+ .snupkg symbols). Extra arguments go to dotnet pack (e.g. ./pack.sh -p:Version=0.2.0).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
out=artifacts/packages
mkdir -p "$out"
for project in \
  Client.Sdk/Nsq.Protocol/Nsq.Protocol.csproj \
  Client.Sdk/Nsq.Client/Nsq.Client.csproj \
  Client.Sdk/Nsq.Client.Grpc/Nsq.Client.Grpc.csproj \
  Client.Sdk/Nsq.Client.Hosting/Nsq.Client.Hosting.csproj \
  AppHost/NsqAspire.Hosting/NsqAspire.Hosting.csproj \
  Tools/NsqAspire.Tools/NsqAspire.Tools.csproj; do
  dotnet pack "$project" -c Release -o "$out" "$@"
done
ls -1 "$out"
