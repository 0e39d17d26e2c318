using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SettingControl.FirmwareSim;
using SettingControl.Integration.Tests.Infrastructure;
using SettingControl.Mqtt;
using SettingControl.Mqtt.Security;

namespace SettingControl.Integration.Tests;

/// <summary>TLS to the broker with a private CA the test makes: trusted when configured, refused otherwise.</summary>
public sealed class TlsTests
{
    [Fact]
    public async Task The_controller_and_its_devices_talk_to_the_embedded_broker_over_tls_with_a_private_ca()
    {
        var certificates = TestCertificates.Create("trusted");
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 1, extra: new Dictionary<string, string>
        {
            ["Mqtt:UseTls"] = "true",
            ["Mqtt:CaFile"] = certificates.CaFile,
            ["Mqtt:CertificateFile"] = certificates.CertificateFile,
            ["Mqtt:KeyFile"] = certificates.KeyFile,
        });

        Assert.True(host.Services.GetRequiredService<IDeviceLinkStatus>().IsConnected);
        (await host.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 31 })).EnsureSuccessStatusCode();
        Assert.True(await host.SimulatedDevices!["room-1-light-1"].WaitUntilAsync(s => s.Brightness == 31, TimeSpan.FromSeconds(15)),
            "a command travelled controller -> TLS broker -> device");
    }

    [Fact]
    public async Task The_controller_and_devices_reach_mosquitto_over_tls_with_the_generated_config()
    {
        var certificates = TestCertificates.Create("mosquitto");
        var accounts = new BrokerAccounts(rooms: 1);
        await using var mosquitto = await MosquittoBroker.StartAsync(
            accounts, tls: new MosquittoTls(certificates.CaFile, certificates.CertificateFile, certificates.KeyFile));
        var settings = accounts.ExternalBrokerSettings();
        settings["Mqtt:UseTls"] = "true";
        settings["Mqtt:CaFile"] = certificates.CaFile;
        await using var host = await HostUnderTest.StartAsync(simulatedRooms: 1, runSimulatedDevices: false, mqttPort: mosquitto.Port, extra: settings);

        var light = accounts.Devices(1, mosquitto.Port)[0];
        await using var device = new SimulatedDevice(new SimulatedDeviceOptions
        {
            DeviceId = light.DeviceId, Kind = light.Kind, BrokerPort = mosquitto.Port, Username = light.Username, Password = light.Password,
            UseTls = true, CaFile = certificates.CaFile,
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await device.StartAsync(timeout.Token);
        (await host.Http.PutAsJsonAsync("/api/rooms/room-1/lighting", new { brightness = 27 })).EnsureSuccessStatusCode();
        Assert.True(await device.WaitUntilAsync(s => s.Brightness == 27, TimeSpan.FromSeconds(15)), "controller -> Mosquitto (TLS) -> device");
    }

    [Fact]
    public async Task A_broker_certificate_from_another_ca_or_none_the_system_trusts_is_refused()
    {
        var trusted = TestCertificates.Create("trusted");
        var other = TestCertificates.Create("impostor");
        var accounts = new BrokerAccounts(rooms: 1);
        var port = FreePorts.Next();
        await using var broker = new EmbeddedBroker(
            IPAddress.Loopback, port, accounts.Access, NullLogger<EmbeddedBroker>.Instance,
            certificate: BrokerTls.LoadServerCertificate(other.CertificateFile, other.KeyFile));
        await broker.StartAsync(CancellationToken.None);

        // Trusting only our CA: the impostor's certificate is refused.
        var settings = accounts.ExternalBrokerSettings();
        settings["Mqtt:UseTls"] = "true";
        settings["Mqtt:CaFile"] = trusted.CaFile;
        await using var host = await StartUnhealthyAsync(port, settings);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(host.Services.GetRequiredService<IDeviceLinkStatus>().IsConnected, "connected to a broker whose certificate we do not trust");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await host.Http.GetAsync("/healthz")).StatusCode);

        // A device trusting our CA refuses it too.
        var device = accounts.Devices(1, port)[0];
        await using var simulated = new SimulatedDevice(new SimulatedDeviceOptions
        {
            DeviceId = device.DeviceId, Kind = device.Kind, BrokerPort = port, Username = device.Username, Password = device.Password,
            UseTls = true, CaFile = trusted.CaFile,
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => simulated.StartAsync(timeout.Token));

        // No CA file means the system's roots, which do not include a private CA either.
        settings.Remove("Mqtt:CaFile");
        await using var systemTrust = await StartUnhealthyAsync(port, settings);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(systemTrust.Services.GetRequiredService<IDeviceLinkStatus>().IsConnected);
    }

    private static async Task<HostUnderTest> StartUnhealthyAsync(int port, Dictionary<string, string> settings) =>
        await HostUnderTest.StartAsync(simulatedRooms: 1, runSimulatedDevices: false, mqttPort: port, extra: settings, waitHealthy: false);
}
