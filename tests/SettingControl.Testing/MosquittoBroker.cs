using System.Diagnostics;
using System.Net.Sockets;
using SettingControl.Mqtt.Security;

namespace SettingControl.Testing;

/// <summary>
/// A real Mosquitto (Debian's <c>mosquitto</c>, installed by test.sh) on a free loopback port, configured only with
/// what SettingControl generates: mosquitto.conf, the password file and the ACL file.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private readonly string _configFile;
    private readonly string _passwordFile;
    private readonly string _aclFile;
    private Process? _process;

    private MosquittoBroker(string configFile, string passwordFile, string aclFile, int port)
    {
        _configFile = configFile;
        _passwordFile = passwordFile;
        _aclFile = aclFile;
        Port = port;
    }

    public int Port { get; }

    public static string Executable =>
        new[] { "/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("mosquitto is not installed (test.sh installs Debian's mosquitto).");

    /// <param name="maxPacketBytes">The broker's packet limit: <see cref="MosquittoConfig.MaxBridgePacketBytes"/> when a
    /// Zigbee2MQTT bridge connects (its device list is large), as docs/security.md tells clinics to set it.</param>
    public static async Task<MosquittoBroker> StartAsync(BrokerAccounts accounts, int? port = null, MosquittoTls? tls = null, int maxPacketBytes = MosquittoConfig.MaxPacketBytes)
    {
        var chosenPort = port ?? FreePorts.Next();
        var directory = Path.Combine(accounts.Directory, "mosquitto-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var passwd = Path.Combine(directory, "passwd");
        var acl = Path.Combine(directory, "acl");
        var conf = Path.Combine(directory, "mosquitto.conf");
        SecretFiles.WriteAllText(passwd, MosquittoConfig.PasswordFile(accounts.Controller, accounts.Store));
        SecretFiles.WriteAllText(acl, MosquittoConfig.AclFile(accounts.Policy, accounts.Controller, accounts.Store));

        // Started as root (CI), Mosquitto would switch to its own user and lose access to these 0600 files.
        File.WriteAllText(conf, MosquittoConfig.BrokerConfig(chosenPort, "127.0.0.1", passwd, acl, tls, maxPacketBytes) + "user root\nlog_dest stderr\n");
        var broker = new MosquittoBroker(conf, passwd, acl, chosenPort);
        await broker.StartAsync();
        return broker;
    }

    /// <summary>
    /// New password and ACL files (as staff would fetch them from <c>/api/mqtt/mosquitto/</c> after adding a login),
    /// then a restart so Mosquitto reads them.
    /// </summary>
    public async Task ReconfigureAsync(string passwordFile, string aclFile)
    {
        SecretFiles.WriteAllText(_passwordFile, passwordFile);
        SecretFiles.WriteAllText(_aclFile, aclFile);
        Kill();
        await StartAsync();
    }

    /// <summary>Starts (again) on the same port with the same files.</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo(Executable) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(_configFile);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Log.Enqueue(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Eventually.TrueAsync(
            async () =>
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException("mosquitto exited: " + string.Join('\n', Log));
                }

                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", Port);
                return true;
            },
            TimeSpan.FromSeconds(10),
            $"mosquitto listening on {Port}");
    }

    public System.Collections.Concurrent.ConcurrentQueue<string> Log { get; } = new();

    /// <summary>Kills the broker (SIGKILL: no goodbye to any client, retained messages lost with persistence off).</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            process.WaitForExit(10_000);
        }

        _process?.Dispose();
        _process = null;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        return ValueTask.CompletedTask;
    }
}
