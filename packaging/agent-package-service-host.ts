/**
 * The Windows service that runs the agent. Node.js cannot answer the Service Control Manager itself, so a small
 * .NET Framework host (compiled on the VM by install-agent.ps1 with `Add-Type -OutputAssembly`: .NET Framework
 * 4.8 ships with every Windows 10/11 and Server image, so nothing beyond Node.js is downloaded and no third-party
 * binary needs a pinned hash) starts `node.exe <bundle> --config <agent.json>` and mirrors its life:
 * - the SCM stops the service: the host kills node and reports stopped;
 * - node exits on its own: the host exits with code 1 without reporting stopped, which the SCM counts as a
 *   crash, so the recovery actions set with `sc.exe failure` restart it.
 * Output goes to `%ProgramData%\HostedRpa\logs\agent.log` (one previous file kept at 10 MiB). C# 5 only: that
 * is what the in-box compiler Add-Type uses on Windows PowerShell 5.1 accepts.
 */
export const SERVICE_HOST_SOURCE = String.raw`using System;
using System.Diagnostics;
using System.IO;
using System.ServiceProcess;

public sealed class HostedRpaAgentServiceHost : ServiceBase
{
    private const long MaxLogBytes = 10L * 1024 * 1024;
    private readonly object logGate = new object();
    private Process child;
    private volatile bool stopping;

    public HostedRpaAgentServiceHost()
    {
        ServiceName = "HostedRpaAgent";
        CanStop = true;
        CanShutdown = true;
    }

    private static string InstallDir { get { return AppDomain.CurrentDomain.BaseDirectory; } }
    private static string DataDir { get { return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "HostedRpa"); } }

    protected override void OnStart(string[] args)
    {
        Directory.CreateDirectory(Path.Combine(DataDir, "logs"));
        string node = Path.Combine(InstallDir, "node\\node.exe");
        string bundle = Path.Combine(InstallDir, "agent\\hosted-rpa-agent.mjs");
        string config = Path.Combine(DataDir, "agent.json");
        ProcessStartInfo info = new ProcessStartInfo(node, "\"" + bundle + "\" --config \"" + config + "\"");
        info.UseShellExecute = false;
        info.CreateNoWindow = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.WorkingDirectory = Path.Combine(InstallDir, "agent");
        child = new Process();
        child.StartInfo = info;
        child.EnableRaisingEvents = true;
        child.OutputDataReceived += (sender, e) => Append(e.Data);
        child.ErrorDataReceived += (sender, e) => Append(e.Data);
        child.Exited += (sender, e) =>
        {
            if (stopping) return;
            Append("service host: node exited with code " + child.ExitCode + "; exiting so that the recovery actions restart the service");
            Environment.Exit(1);
        };
        child.Start();
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
    }

    protected override void OnStop()
    {
        stopping = true;
        if (child != null && !child.HasExited)
        {
            child.Kill();
            child.WaitForExit(10000);
        }
    }

    protected override void OnShutdown()
    {
        OnStop();
    }

    private void Append(string line)
    {
        if (line == null) return;
        lock (logGate)
        {
            string log = Path.Combine(DataDir, "logs\\agent.log");
            FileInfo current = new FileInfo(log);
            if (current.Exists && current.Length > MaxLogBytes)
            {
                File.Copy(log, log + ".1", true);
                File.Delete(log);
            }
            File.AppendAllText(log, DateTime.UtcNow.ToString("o") + " " + line + Environment.NewLine);
        }
    }

    public static void Main()
    {
        ServiceBase.Run(new HostedRpaAgentServiceHost());
    }
}
`;
