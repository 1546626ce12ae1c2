//! Whole-process measurements: wall time from spawn to exit, and the peak
//! resident set size the kernel reports for the child (`wait4`'s rusage).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// One process run.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub seconds: f64,
    pub max_rss_kib: u64,
}

/// Runs `cmd` to completion with stdout discarded and stderr kept in
/// `stderr` (shown if it fails).
pub fn run(cmd: &mut Command, stderr: &Path) -> Result<Sample, String> {
    let err = std::fs::File::create(stderr).map_err(|e| format!("{}: {e}", stderr.display()))?;
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(err));
    let started = Instant::now();
    let child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    let (status, usage) = wait4(child.id() as libc::pid_t)?;
    let seconds = started.elapsed().as_secs_f64();
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        let text = std::fs::read_to_string(stderr).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(20).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "{cmd:?} failed (wait status {status}):\n{}",
            tail.join("\n")
        ));
    }
    Ok(Sample {
        seconds,
        // Linux reports ru_maxrss in KiB.
        max_rss_kib: usage.ru_maxrss as u64,
    })
}

/// Runs `cmd` and returns its stdout (setup, not measured).
pub fn output(cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("{cmd:?}: {e}"))
}

/// Reaps the child, with its resource usage (std's `Child::wait` drops it).
fn wait4(pid: libc::pid_t) -> Result<(libc::c_int, libc::rusage), String> {
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data, for which all-zero bytes are valid.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `pid` is our own unreaped child; both pointers are to live
        // locals of the right types.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            return Ok((status, usage));
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(format!("wait4: {e}"));
        }
    }
}

/// Median, quartiles (the middle half of the samples), minimum and maximum.
#[derive(Clone, Copy, Debug)]
pub struct Stats {
    pub median: f64,
    pub q1: f64,
    pub q3: f64,
    pub min: f64,
    pub max: f64,
}

impl Stats {
    pub fn of(values: &[f64]) -> Stats {
        assert!(!values.is_empty(), "no samples");
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        };
        // Nearest rank: the samples a quarter and three quarters up.
        Stats {
            median,
            q1: v[(n - 1) / 4],
            q3: v[(3 * (n - 1)).div_ceil(4)],
            min: v[0],
            max: v[n - 1],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats() {
        let s = Stats::of(&[3.0, 1.0, 2.0, 10.0]);
        assert_eq!((s.median, s.min, s.max), (2.5, 1.0, 10.0));
        let s = Stats::of(&[5.0, 1.0, 4.0, 2.0, 3.0]);
        assert_eq!((s.q1, s.median, s.q3), (2.0, 3.0, 4.0));
        assert_eq!(Stats::of(&[4.0, 1.0, 9.0]).median, 4.0);
    }

    #[test]
    fn measures_a_process() {
        let err = std::env::temp_dir().join(format!("bench-runtime-{}.err", std::process::id()));
        let s = run(&mut Command::new("true"), &err).unwrap();
        assert!(s.seconds > 0.0 && s.max_rss_kib > 0);
        assert!(run(&mut Command::new("false"), &err).is_err());
        let _ = std::fs::remove_file(err);
    }
}
