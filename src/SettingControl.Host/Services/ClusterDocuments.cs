using Npgsql;
using SettingControl.Domain;
using SettingControl.Mqtt.Bridges;
using SettingControl.Mqtt.Conventions.HomeAssistantJson;
using SettingControl.Mqtt.Conventions.Tasmota;
using SettingControl.Mqtt.Security;

namespace SettingControl.Host.Services;

/// <summary>
/// A PostgreSQL cluster's kept documents: the files a single node keeps in its data directory, as rows every node
/// shares (<c>settingcontrol_documents</c>), each with a version so a write never overwrites a change it did not see.
/// </summary>
public sealed class ClusterDocuments(NpgsqlDataSource database) : IKeptDocuments
{
    public IKeptDocument Open(string name) => new Row(database, name);

    private sealed class Row(NpgsqlDataSource database, string name) : IKeptDocument
    {
        public KeptText Read()
        {
            using var command = database.CreateCommand("SELECT content, version FROM settingcontrol_documents WHERE name = @name");
            command.Parameters.AddWithValue("name", name);
            using var reader = command.ExecuteReader();
            return reader.Read() ? new KeptText(reader.GetString(0), reader.GetInt64(1)) : new KeptText(null, 0);
        }

        public long? TryWrite(string text, long expectedVersion)
        {
            using var command = expectedVersion == 0
                ? database.CreateCommand("""
                    INSERT INTO settingcontrol_documents (name, content, version) VALUES (@name, @content, 1)
                    ON CONFLICT (name) DO NOTHING RETURNING version
                    """)
                : database.CreateCommand("""
                    UPDATE settingcontrol_documents SET content = @content, version = version + 1, written_at = now()
                    WHERE name = @name AND version = @expected RETURNING version
                    """);
            command.Parameters.AddWithValue("name", name);
            command.Parameters.AddWithValue("content", text);
            command.Parameters.AddWithValue("expected", expectedVersion);
            return command.ExecuteScalar() is long version ? version : null;
        }
    }
}

/// <summary>
/// Reads the shared documents again every 2 s, so a bridge or device registered through another node is subscribed
/// to here (the conventions hear the directories' Changed events) and listed here.
/// </summary>
public sealed class ClusterDocumentsWatcher(
    MqttAccountStore accounts,
    BridgeDirectory bridges,
    TasmotaDirectory tasmota,
    JsonLightDirectory jsonLights,
    EngineMusicPlayer music,
    ILogger<ClusterDocumentsWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    accounts.Refresh();
                    bridges.Refresh();
                    tasmota.Refresh();
                    jsonLights.Refresh();
                    music.ApplyStoredOutputs();
                }
                catch (Exception failure) when (!stoppingToken.IsCancellationRequested)
                {
                    // Whatever went wrong (the database away, a document this node cannot read), the node keeps
                    // running on what it has and tries again in 2 s; a stopped watcher would stop the host.
                    logger.LogWarning(failure, "Reading the cluster's shared documents failed");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
