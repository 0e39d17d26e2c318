using SettingControl.Bench;

// dotnet run -c Release --project bench/SettingControl.Bench -- <scenario> [--rooms N] [--trials N]
var scenario = args.FirstOrDefault() ?? "help";
var options = BenchOptions.Parse(args.Skip(1).ToArray());
switch (scenario)
{
    case "lights-up":
        await LightsUpBenchmark.RunAsync(options);
        return 0;
    default:
        Console.WriteLine("usage: SettingControl.Bench lights-up [--rooms N] [--trials N]");
        Console.WriteLine("  lights-up  command (REST POST /lights-up) -> MQTT publish received for every device of the room;");
        Console.WriteLine("             then every room of the facility commanded at once -> last device publish.");
        return scenario == "help" ? 0 : 2;
}
