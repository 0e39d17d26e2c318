using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SettingControl.DeviceProtocol;
using SettingControl.Domain;
using SettingControl.Mqtt.Conventions;
using SettingControl.Mqtt.Bridges;
using SettingControl.Mqtt.Conventions.HomeAssistantJson;
using SettingControl.Mqtt.Conventions.SettingControlV1;
using SettingControl.Mqtt.Conventions.Tasmota;
using SettingControl.Mqtt.Conventions.Zigbee2Mqtt;
using SettingControl.Mqtt.Link;
using SettingControl.Mqtt.Security;

namespace SettingControl.Mqtt;

/// <summary>The MQTT side of the host, in the order it must start: the broker (when embedded), then the device link.</summary>
public static class MqttServiceCollectionExtensions
{
    /// <summary>
    /// The controller's broker login (configured, or generated and kept in <paramref name="credentialsDirectory"/>),
    /// the device and gateway accounts, the topic ACL the conventions define, and the embedded broker unless
    /// <c>Mqtt:Mode</c> is <c>External</c>. Registered before the silo so the broker is up when devices connect.
    /// </summary>
    public static IServiceCollection AddDeviceBroker(this IServiceCollection services, MqttOptions mqtt, string credentialsDirectory)
    {
        // Each store is a file in the credentials directory, or, where the host keeps shared documents (a cluster's
        // database), a row every node reads.
        IKeptDocument Kept(IServiceProvider sp, string fileName) =>
            sp.GetService<IKeptDocuments>()?.Open(fileName) ?? new SecretFileDocument(Path.Combine(credentialsDirectory, fileName));

        services.AddSingleton(sp =>
        {
            Directory.CreateDirectory(credentialsDirectory);
            return ControllerAccount.Resolve(sp.GetRequiredService<IOptions<MqttOptions>>().Value, Kept(sp, ControllerAccount.FileName));
        });
        services.AddSingleton(sp => new MqttAccountStore(
            Kept(sp, MqttAccountStore.FileName),
            [sp.GetRequiredService<ControllerAccount>().Username, sp.GetRequiredService<IOptions<MqttOptions>>().Value.ClientId],
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new BridgeDirectory(
            Kept(sp, BridgeDirectory.FileName),
            sp.GetRequiredService<MqttAccountStore>(),
            sp.GetRequiredService<IOptions<MqttOptions>>().Value.BaseTopic,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new TasmotaDirectory(Kept(sp, TasmotaDirectory.FileName), sp.GetRequiredService<MqttAccountStore>()));
        services.AddSingleton(sp => new JsonLightDirectory(
            Kept(sp, JsonLightDirectory.FileName),
            sp.GetRequiredService<MqttAccountStore>(),
            sp.GetRequiredService<IOptions<MqttOptions>>().Value.BaseTopic,
            sp.GetRequiredService<BridgeDirectory>()));
        services.AddSingleton(sp => new BrokerAccessPolicy(sp.GetRequiredService<DeviceConventionRegistry>().AccessRules));
        services.AddSingleton(sp => new BrokerAccess(
            sp.GetRequiredService<ControllerAccount>(),
            sp.GetRequiredService<MqttAccountStore>(),
            sp.GetRequiredService<BrokerAccessPolicy>(),
            sp.GetRequiredService<IOptions<MqttOptions>>().Value.ClientId));
        if (mqtt.Mode == BrokerMode.Embedded)
        {
            services.AddSingleton<EmbeddedBroker>();
            services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBroker>());
        }

        return services;
    }

    /// <summary>
    /// The device conventions (the first is the default for devices not yet heard from; add a convention with one
    /// more line here) and the link that routes device messages into grains and commands out. Registered after
    /// the silo, because it routes into grains.
    /// </summary>
    public static IServiceCollection AddDeviceLink(this IServiceCollection services)
    {
        services.AddSingleton(sp => new DeviceTopics(sp.GetRequiredService<IOptions<MqttOptions>>().Value.BaseTopic));
        services.AddSingleton<IDeviceConvention, SettingControlV1Convention>();
        services.AddOptions<Zigbee2MqttOptions>().BindConfiguration(Zigbee2MqttOptions.Section);
        services.AddSingleton<Zigbee2MqttConvention>();
        services.AddSingleton<IDeviceConvention>(sp => sp.GetRequiredService<Zigbee2MqttConvention>());
        services.AddSingleton<TasmotaConvention>();
        services.AddSingleton<IDeviceConvention>(sp => sp.GetRequiredService<TasmotaConvention>());
        services.AddSingleton<JsonLightConvention>();
        services.AddSingleton<IDeviceConvention>(sp => sp.GetRequiredService<JsonLightConvention>());
        services.AddSingleton<DeviceConventionRegistry>();
        services.AddSingleton<DeviceLinkMetrics>();
        services.TryAddSingleton<IDeviceOwnership, EveryDeviceHere>();
        services.AddSingleton<MqttDeviceLink>();
        services.AddSingleton<IDeviceCommands>(sp => sp.GetRequiredService<MqttDeviceLink>());
        services.AddSingleton<IDeviceLinkStatus>(sp => sp.GetRequiredService<MqttDeviceLink>());
        services.AddHostedService(sp => sp.GetRequiredService<MqttDeviceLink>());
        return services;
    }
}
