using System;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using Saleschat.Mtls.Http.Response;

namespace Saleschat.Mtls.Pipeline
{
    /// <summary>
    /// Write-Progress for one cmdlet call: bytes and rate of an -OutFile download, items done in a long pipeline.
    /// At most one record per <see cref="Interval"/> (never one per chunk or per item), nothing for work shorter than
    /// <see cref="Delay"/>, and nothing at all when $ProgressPreference is SilentlyContinue or Ignore (the host decides
    /// the rest: non-interactive hosts do not draw it).
    /// </summary>
    internal sealed class ProgressReporter
    {
        internal static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
        internal static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(500);

        private readonly Cmdlet _cmdlet;
        private readonly string _activity;
        private readonly int _activityId;
        private readonly long _start;
        private TimeSpan? _last;
        private bool _written;

        private ProgressReporter(Cmdlet cmdlet, string activity, int activityId, long start)
        {
            _start = start;
            _cmdlet = cmdlet;
            _activity = activity;
            _activityId = activityId;
        }

        /// <summary>Whether work that began at <paramref name="start"/> (a <see cref="Stopwatch.GetTimestamp"/>) has run long enough to show.</summary>
        public static bool IsLong(long start) => Since(start) >= Delay;

        /// <summary>
        /// A reporter for work that began at <paramref name="start"/>, or null when the caller asked for no progress.
        /// Made only once something may be shown, so a short call pays one timestamp and nothing else.
        /// </summary>
        public static ProgressReporter For(PSCmdlet cmdlet, string activity, long start)
        {
            object preference = cmdlet.GetVariableValue("ProgressPreference");
            if (preference is ActionPreference action ? action == ActionPreference.SilentlyContinue || action == ActionPreference.Ignore
                : string.Equals(preference as string, "SilentlyContinue", StringComparison.OrdinalIgnoreCase) || string.Equals(preference as string, "Ignore", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            // One id per call, so two cmdlets in one pipeline do not overwrite each other's bar.
            return new ProgressReporter(cmdlet, activity, cmdlet.GetHashCode() & 0x7FFFFFFF, start);
        }

        /// <summary>Called often, from the pipeline thread only (WriteProgress is not allowed elsewhere).</summary>
        public void ReportDownload(DownloadProgress download, string fileName)
        {
            if (!Due())
            {
                return;
            }

            if (!download.Started)
            {
                Write(new ProgressRecord(_activityId, _activity, $"{fileName}: waiting for the answer"));
                return;
            }

            long bytes = download.Bytes;
            long? total = download.Total;
            double rate = download.BytesPerSecond;
            string status = total.HasValue
                ? $"{fileName}: {Size(bytes)} of {Size(total.Value)}"
                : $"{fileName}: {Size(bytes)}";
            var record = new ProgressRecord(_activityId, _activity, rate > 0 ? $"{status}, {Size((long)rate)}/s" : status);
            if (total.HasValue && total.Value > 0)
            {
                record.PercentComplete = (int)Math.Min(100, bytes * 100 / total.Value);
                if (rate > 0)
                {
                    record.SecondsRemaining = (int)Math.Min(int.MaxValue, Math.Max(0, total.Value - bytes) / rate);
                }
            }

            Write(record);
        }

        public void ReportItems(long done)
        {
            if (!Due())
            {
                return;
            }

            double seconds = Since(_start).TotalSeconds;
            string rate = seconds > 0 ? (done / seconds).ToString("0.#", CultureInfo.InvariantCulture) : "0";
            Write(new ProgressRecord(_activityId, _activity, $"{done} items sent, {rate}/s"));
        }

        /// <summary>Removes the bar, if one was drawn.</summary>
        public void Complete()
        {
            if (_written)
            {
                _cmdlet.WriteProgress(new ProgressRecord(_activityId, _activity, "Done") { RecordType = ProgressRecordType.Completed });
                _written = false;
            }
        }

        private bool Due()
        {
            TimeSpan now = Since(_start);
            if (now < Delay || (_last.HasValue && now - _last.Value < Interval))
            {
                return false;
            }

            _last = now;
            return true;
        }

        private static TimeSpan Since(long start) =>
            TimeSpan.FromSeconds((Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency);

        private void Write(ProgressRecord record)
        {
            _written = true;
            _cmdlet.WriteProgress(record);
        }

        private static string Size(long bytes)
        {
            string[] units = { "B", "KB", "MB", "GB", "TB" };
            double value = bytes;
            int unit = 0;
            while (value >= 1024 && unit < units.Length - 1)
            {
                value /= 1024;
                unit++;
            }

            return unit == 0 ? $"{bytes} B" : value.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[unit];
        }
    }
}
