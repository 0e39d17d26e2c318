using SettingControl.Host;

var app = SettingControlApp.Build(args);
await app.RunAsync();
