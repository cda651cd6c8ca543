//! A raw WebSocket client (RFC 6455) for the stream tests: the upgrade
//! request, masked client frames, unmasked server frames. No client
//! library, as for HTTP: the tests see the bytes a Binance client would.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A server frame.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    Text(String),
    Binary(Vec<u8>),
    Ping(Vec<u8>),
    Pong(Vec<u8>),
    /// The close code (0 if none) and reason.
    Close(u16, String),
}

/// An open connection.
pub struct Ws {
    stream: TcpStream,
    buf: Vec<u8>,
}

/// Opens `ws://addr/path`: the connection, or the refusal's HTTP status
/// and body.
pub async fn connect(addr: std::net::SocketAddr, path: &str) -> Result<Ws, (u16, String)> {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "closed during the handshake");
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let status: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
    let rest = buf[head_end..].to_vec();
    if status != 101 {
        let length = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse::<usize>().ok())?
            })
            .unwrap_or(0);
        let mut body = rest;
        while body.len() < length {
            let mut chunk = [0u8; 4096];
            let n = stream.read(&mut chunk).await.unwrap();
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
        return Err((status, String::from_utf8_lossy(&body).into_owned()));
    }
    Ok(Ws { stream, buf: rest })
}

impl Ws {
    async fn fill(&mut self, n: usize) -> bool {
        while self.buf.len() < n {
            let mut chunk = [0u8; 16384];
            match self.stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return false,
                Ok(k) => self.buf.extend_from_slice(&chunk[..k]),
            }
        }
        true
    }

    /// The next frame; `None` when the connection ends without a close frame.
    pub async fn frame(&mut self) -> Option<Frame> {
        if !self.fill(2).await {
            return None;
        }
        let (b0, b1) = (self.buf[0], self.buf[1]);
        assert_eq!(b0 & 0x80, 0x80, "fragmented frames are not expected");
        assert_eq!(b1 & 0x80, 0, "server frames are not masked");
        let (len, head) = match b1 & 0x7f {
            126 => {
                if !self.fill(4).await {
                    return None;
                }
                (u16::from_be_bytes([self.buf[2], self.buf[3]]) as usize, 4)
            }
            127 => {
                if !self.fill(10).await {
                    return None;
                }
                let b: [u8; 8] = self.buf[2..10].try_into().unwrap();
                (u64::from_be_bytes(b) as usize, 10)
            }
            n => (n as usize, 2),
        };
        if !self.fill(head + len).await {
            return None;
        }
        let payload = self.buf[head..head + len].to_vec();
        self.buf.drain(..head + len);
        Some(match b0 & 0x0f {
            1 => Frame::Text(String::from_utf8(payload).unwrap()),
            2 => Frame::Binary(payload),
            8 => {
                let code = if payload.len() >= 2 {
                    u16::from_be_bytes([payload[0], payload[1]])
                } else {
                    0
                };
                let reason = String::from_utf8_lossy(payload.get(2..).unwrap_or(&[])).into_owned();
                Frame::Close(code, reason)
            }
            9 => Frame::Ping(payload),
            10 => Frame::Pong(payload),
            op => panic!("unexpected opcode {op}"),
        })
    }

    async fn send(&mut self, opcode: u8, payload: &[u8]) {
        let mask = [0x37u8, 0xfa, 0x21, 0x3d];
        let mut out = vec![0x80 | opcode];
        match payload.len() {
            n if n < 126 => out.push(0x80 | n as u8),
            n if n < 65536 => {
                out.push(0x80 | 126);
                out.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                out.push(0x80 | 127);
                out.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        out.extend_from_slice(&mask);
        out.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        // A closed connection shows on the next read.
        let _ = self.stream.write_all(&out).await;
    }

    /// Sends one text frame.
    pub async fn send_text(&mut self, text: &str) {
        self.send(1, text.as_bytes()).await;
    }

    /// The next text frame within `wait` (pings are answered on the way);
    /// `None` on a timeout, a close or the end of the connection.
    pub async fn text(&mut self, wait: Duration) -> Option<String> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.frame())
                .await
                .ok()??;
            match frame {
                Frame::Text(t) => return Some(t),
                Frame::Ping(p) => self.send(10, &p).await,
                Frame::Close(..) => return None,
                Frame::Binary(_) | Frame::Pong(_) => {}
            }
        }
    }

    /// The next frame that is not text or a ping, within `wait`: how the
    /// connection ended (`None`: without a close frame, or still open).
    pub async fn end(&mut self, wait: Duration) -> Option<Frame> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(deadline, self.frame())
                .await
                .ok()??
            {
                Frame::Text(_) | Frame::Ping(_) | Frame::Pong(_) | Frame::Binary(_) => {}
                close => return Some(close),
            }
        }
    }
}
