using System.Diagnostics;
using System.Runtime.InteropServices;
using SettingControl.Bench;

// dotnet run -c Release --project bench/SettingControl.Bench -- <scenario> [--smoke] [--write docs/benchmarks.md]
if (args is ["relay", var relayHttpPort, var relayMqttPort])
{
    // The outside-process scenario's floor, started by the benchmark as a process of its own.
    return await Relay.RunAsync(int.Parse(relayHttpPort), int.Parse(relayMqttPort));
}

var scenario = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "help";
var smoke = args.Contains("--smoke");
var write = Array.IndexOf(args, "--write") is var w and >= 0 && w + 1 < args.Length ? args[w + 1] : null;
var sizes = smoke ? Sizes.Smoke : Sizes.Full;
var machine = $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription.Trim()}, .NET {Environment.Version}, {RuntimeInformation.ProcessArchitecture}";
Console.WriteLine($"machine: {machine}{(smoke ? " (smoke run: tiny sizes, figures mean nothing)" : string.Empty)}");
var report = new Report();
var clock = Stopwatch.StartNew();
switch (scenario)
{
    case "latency":
        await Scenarios.LatencyAsync(report, sizes);
        break;
    case "outside":
        await OutsideBenchmark.RunAsync(report, sizes);
        break;
    case "ingest":
        await Scenarios.IngestAsync(report, sizes, smoke ? 5 : 1000);
        break;
    case "fanout":
        await Scenarios.FanoutAsync(report, sizes);
        break;
    case "scale":
        await Scenarios.ScaleAsync(report, sizes);
        break;
    case "lights-up":
        await LightsUpBenchmark.RunAsync(report, sizes.LightsUpRooms, sizes.Samples);
        await ZigbeeLightsUpBenchmark.RunAsync(report, sizes.LightsUpRooms);
        break;
    case "audio":
        AudioBenchmark.Run(report, smoke);
        break;
    case "cluster":
        await ClusterBenchmark.RunAsync(report, sizes);
        break;
    case "all":
        await Scenarios.LatencyAsync(report, sizes);
        await OutsideBenchmark.RunAsync(report, sizes);
        await Scenarios.IngestAsync(report, sizes, smoke ? 5 : 1000);
        await Scenarios.FanoutAsync(report, sizes);
        await LightsUpBenchmark.RunAsync(report, sizes.LightsUpRooms, sizes.Samples);
        await ZigbeeLightsUpBenchmark.RunAsync(report, sizes.LightsUpRooms);
        await Scenarios.ScaleAsync(report, sizes);
        await ClusterBenchmark.RunAsync(report, sizes);
        AudioBenchmark.Run(report, smoke);
        break;
    default:
        Console.WriteLine("usage: SettingControl.Bench <latency|outside|ingest|fanout|scale|lights-up|cluster|audio|all> [--smoke] [--write docs/benchmarks.md]");
        return scenario == "help" ? 0 : 2;
}

if (write is not null)
{
    report.WriteMarkdown(write, machine, "dotnet run -c Release --project bench/SettingControl.Bench -- " + string.Join(' ', args), clock.Elapsed);
}

Console.WriteLine($"bench: {scenario} done in {clock.Elapsed.TotalSeconds:0} s");
return 0;
