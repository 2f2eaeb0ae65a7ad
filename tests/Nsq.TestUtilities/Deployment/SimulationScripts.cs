namespace Nsq.TestUtilities.Deployment;

/// <summary>
/// The shell and Python run inside the namespaces. Shell, because the namespace tools (ip, mount, hostname) are
/// commands; Python for the one long-running helper (a TCP forwarder) because the machines already have python3 and a
/// dotnet process per forwarder would cost a second of CPU each on two cores.
/// </summary>
internal static class SimulationScripts
{
    /// <summary>ip and the like live in /usr/sbin, which a user's PATH often lacks (Debian).</summary>
    private const string PathWithSbin = "export PATH=\"$PATH:/usr/sbin:/sbin\"";

    /// <summary>The bridge every resource's network plugs into.</summary>
    public const string Bridge = "simbr0";

    /// <summary>
    /// The environment's first process (pid 1 of its pid namespace): a bridge, the environment's DNS as /etc/hosts
    /// ($1), then waiting on stdin. When the test process goes away its stdin closes, pid 1 exits, and the kernel kills
    /// every process of the environment: nothing outlives a crashed test run.
    /// </summary>
    public const string Environment = $$"""
        set -e
        {{PathWithSbin}}
        ip link set lo up
        ip link add {{Bridge}} type bridge
        ip addr add "$2/16" dev {{Bridge}}
        ip link set {{Bridge}} up
        mount --bind "$1" /etc/hosts
        echo ready
        exec cat >/dev/null
        """;

    /// <summary>
    /// A resource's sandbox, the container app's network and disks that outlive its process: a network namespace wired
    /// to the bridge (a veth; $1 address, $2 the bridge-side name), its own host name ($3, the replica's name, which
    /// nobody resolves), a forwarder per "exposed:target" port pair after "--" (the platform's ingress), and a root
    /// file system of its own: a tmpfs holding the machine's top-level folders (bound, so programs and the repository
    /// are where they are) with each volume ($5.. pairs "source target" up to "--") bound at its target. A target that
    /// does not exist is made in the tmpfs, or under a bound folder in an overlay of its nearest existing parent ($4
    /// holds the layers), so the machine's own folders are never written. The sandbox process then waits chrooted
    /// there, and each start of the resource enters that root (nsenter --root).
    /// </summary>
    public const string Sandbox = $$"""
        set -e
        {{PathWithSbin}}
        ip link set lo up
        ip link add eth0 type veth peer name "$2" netns 1
        nsenter -t 1 -n ip link set "$2" master {{Bridge}} up
        ip addr add "$1/16" dev eth0
        ip link set eth0 up
        hostname "$3"
        scratch=$4; shift 4; n=0
        root=$scratch/root
        mkdir -p "$root"
        mount -t tmpfs container-root "$root"
        for entry in /*; do
          if [ -L "$entry" ]; then ln -s "$(readlink "$entry")" "$root$entry"
          elif [ -d "$entry" ]; then mkdir "$root$entry"; mount --rbind "$entry" "$root$entry"
          fi
        done
        while [ "$1" != "--" ]; do
          target=$root$2
          if [ ! -e "$target" ]; then
            parent=$target; while [ ! -e "$parent" ]; do parent=$(dirname "$parent"); done
            if [ "$parent" != "$root" ]; then
              n=$((n+1)); mkdir -p "$scratch/overlay$n/upper" "$scratch/overlay$n/work"
              mount -t overlay overlay -o "lowerdir=$parent,upperdir=$scratch/overlay$n/upper,workdir=$scratch/overlay$n/work" "$parent"
            fi
            mkdir -p "$target"
          fi
          mount --bind "$1" "$target"
          shift 2
        done
        shift
        for pair in "$@"; do python3 "$SIM_FORWARDER" "${pair%:*}" "${pair#*:}" & done
        echo ready
        exec chroot "$root" sleep infinity
        """;

    /// <summary>
    /// One start of a resource's process in its sandbox: the container's own file system is new on every start, so the
    /// app folder ($1, a project's build output) is an overlay whose writes go to a fresh layer ($2) and vanish with the
    /// start, as a container's do; an image's command runs in its working folder ($3: the image's WORKDIR, else a fresh
    /// empty one). Then the command ("$@", after $1 $2 $3).
    /// </summary>
    public const string Start = """
        set -e
        mkdir -p "$2/upper" "$2/work" "$2/root"
        if [ -n "$1" ]; then
          mount -t overlay overlay -o "lowerdir=$1,upperdir=$2/upper,workdir=$2/work" "$1"
          cd "$1"
        elif [ -n "$3" ]; then
          mkdir -p "$3"
          cd "$3"
        else
          cd "$2/root"
        fi
        shift 3
        exec "$@"
        """;

    /// <summary>
    /// <c>forward EXPOSED TARGET</c>: accepts on every address's EXPOSED port and relays each connection to the same
    /// network's TARGET port, with half-closes passed on (an HTTP client may end its side before the answer).
    /// <c>probe HOST:PORT...</c>: exits 0 when every address accepts a connection, else names the ones that did not.
    /// </summary>
    public const string Forwarder = """
        import asyncio, socket, sys

        async def relay(reader, writer):
            try:
                while data := await reader.read(65536):
                    writer.write(data)
                    await writer.drain()
                if writer.can_write_eof():
                    writer.write_eof()
            except (ConnectionError, OSError):
                pass

        async def handle(reader, writer, target):
            try:
                up_reader, up_writer = await asyncio.open_connection("127.0.0.1", target)
            except OSError:
                writer.close()
                return
            await asyncio.gather(relay(reader, up_writer), relay(up_reader, writer))
            for w in (writer, up_writer):
                w.close()

        async def forward(exposed, target):
            server = await asyncio.start_server(lambda r, w: handle(r, w, target), "0.0.0.0", exposed)
            async with server:
                await server.serve_forever()

        def probe(addresses):
            down = []
            for address in addresses:
                host, port = address.rsplit(":", 1)
                try:
                    socket.create_connection((host, int(port)), timeout=1).close()
                except OSError as e:
                    down.append(f"{address} ({e})")
            print("\n".join(down))
            return 1 if down else 0

        if sys.argv[1] == "probe":
            sys.exit(probe(sys.argv[2:]))
        asyncio.run(forward(int(sys.argv[1]), int(sys.argv[2])))
        """;
}
