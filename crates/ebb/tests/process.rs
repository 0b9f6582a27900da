//! A real `ebb serve` child process for the binary's tests: spawned on a loopback port
//! with the caller's flags, waited for until a health path answers, killed (SIGKILL) when
//! dropped.

use std::ffi::OsStr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running `ebb serve`.
pub struct Ebb {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
}

impl Drop for Ebb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Ebb {
    /// Sends SIGTERM and waits up to `patience` for the process to exit by itself:
    /// whether it did, successfully.
    #[allow(
        dead_code,
        reason = "only the shutdown tests stop the process gracefully"
    )]
    pub async fn terminate(&mut self, patience: Duration) -> bool {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        let deadline = tokio::time::Instant::now() + patience;
        while sent && tokio::time::Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.success();
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        false
    }

    /// Spawns `ebb serve --listen 127.0.0.1:<port> <args>` with `RUST_LOG=<log>`; its
    /// standard output is discarded, its errors shown only when `show_errors`.
    pub fn spawn<S: AsRef<OsStr>>(
        port: u16,
        args: impl IntoIterator<Item = S>,
        log: &str,
        show_errors: bool,
    ) -> Self {
        let stderr = if show_errors {
            Stdio::inherit()
        } else {
            Stdio::null()
        };
        let child = Command::new(env!("CARGO_BIN_EXE_ebb"))
            .args(["serve", "--listen"])
            .arg(format!("127.0.0.1:{port}"))
            .args(args)
            .env("RUST_LOG", log)
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("spawn ebb serve");
        Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        }
    }
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// Whether `GET {base}{path}` answered 2xx with a body starting with `wanted` within
/// `tries` attempts 50 ms apart.
pub async fn answers(base: &str, path: &str, wanted: &str, tries: u32) -> bool {
    for _ in 0..tries {
        if let Ok(r) = reqwest::get(format!("{base}{path}")).await
            && r.status().is_success()
            && r.text().await.is_ok_and(|t| t.starts_with(wanted))
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}
