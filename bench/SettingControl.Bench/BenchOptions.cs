namespace SettingControl.Bench;

public sealed record BenchOptions(int Rooms, int Trials)
{
    public static BenchOptions Parse(string[] args)
    {
        var rooms = 100;
        var trials = 200;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--rooms": rooms = int.Parse(args[i + 1]); break;
                case "--trials": trials = int.Parse(args[i + 1]); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        return new BenchOptions(rooms, trials);
    }
}
