using System.Runtime.InteropServices;

namespace SettingControl.Bench;

/// <summary>Prints latency distributions the same way for every scenario.</summary>
public static class Figures
{
    public static void PrintMachine()
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription.Trim()}, .NET {Environment.Version}, {RuntimeInformation.ProcessArchitecture}");
    }

    public static void Print(string name, IReadOnlyList<double> millis)
    {
        if (millis.Count == 0)
        {
            Console.WriteLine($"{name}: no samples");
            return;
        }

        var sorted = millis.Order().ToArray();
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        Console.WriteLine($"{name}: n={sorted.Length} min={sorted[0]:0.000} ms p50={At(0.50):0.000} ms p99={At(0.99):0.000} ms p99.9={At(0.999):0.000} ms max={sorted[^1]:0.000} ms");
    }
}
