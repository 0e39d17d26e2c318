namespace SettingControl.Mqtt;

/// <summary>Why the broker turned a client or one of its messages away (a metrics tag).</summary>
public enum BrokerRefusal
{
    NoCredentials,
    BadCredentials,
    ClientIdMismatch,
    WillNotAllowed,
    PublishDenied,
    SubscribeDenied,

    /// <summary>A login other than the controller's used the controller's client id.</summary>
    ClientIdReserved,

    /// <summary>A device or gateway published a payload over <see cref="EmbeddedBroker.MaxDevicePayloadBytes"/>.</summary>
    PayloadTooLarge,
}
