//! Times the photo pipeline on one file: decode, orient, the stored image by size tier,
//! and the four variants, each written to a temp folder (the same steps as
//! `bench/photo_reference.py`). Used by `bench/image.sh`.
//!
//! ```text
//! cargo run --release --example image_bench -- FILE [RUNS]
//! cargo run --release --example image_bench -- --make-photo OUT.jpg [WIDTH HEIGHT]
//! cargo run --release --example image_bench -- --concurrent FILE N
//! cargo run --release --example image_bench -- --save FILE DIR
//! cargo run --release --example image_bench -- --size FILE
//! ```
//! Prints one line per run, the median, and the peak RSS of this process.
//! `--concurrent` saves N copies at once through `MediaStore` (temp data folder), to
//! show what the processing semaphore bounds: wall time and peak RSS. `--save` writes
//! the stored image and the variants of one run to DIR (for `bench/quality.py`).

use std::path::Path;
use std::time::Instant;

use starpunk::media::process::process;
use starpunk::media::{MediaSettings, MediaStore, SNIFF_LEN, sniff};

fn main() -> anyhow::Result<()> {
    // RUST_LOG=starpunk=debug shows where the time goes (decode / stored / variants).
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .init();
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--make-photo") => {
            let out = args
                .get(1)
                .ok_or_else(|| anyhow::anyhow!("--make-photo needs an output path"))?;
            let w = args.get(2).map_or(Ok(4000), |s| s.parse())?;
            let h = args.get(3).map_or(Ok(3000), |s| s.parse())?;
            make_photo(Path::new(out), w, h)
        }
        Some("--concurrent") => {
            let file = args
                .get(1)
                .ok_or_else(|| anyhow::anyhow!("--concurrent needs a file"))?;
            let n = args.get(2).map_or(Ok(4), |s| s.parse())?;
            concurrent(Path::new(file), n)
        }
        Some("--size") => {
            let file = args
                .get(1)
                .ok_or_else(|| anyhow::anyhow!("--size needs a file"))?;
            let (w, h) = image::image_dimensions(file)?;
            println!("{w} {h}");
            Ok(())
        }
        Some("--save") => {
            let (Some(file), Some(dir)) = (args.get(1), args.get(2)) else {
                anyhow::bail!("--save needs a file and a folder");
            };
            save(Path::new(file), Path::new(dir))
        }
        Some(file) => {
            let runs = args.get(1).map_or(Ok(5), |s| s.parse())?;
            bench(Path::new(file), runs)
        }
        None => anyhow::bail!("usage: image_bench FILE [RUNS] | --make-photo OUT.jpg [W H]"),
    }
}

fn bench(file: &Path, runs: usize) -> anyhow::Result<()> {
    let len = std::fs::metadata(file)?.len();
    let head: Vec<u8> = std::fs::read(file)?.into_iter().take(SNIFF_LEN).collect();
    let kind = sniff(&head)?;
    let out = tempfile::tempdir()?;
    let once = || -> anyhow::Result<()> {
        let p = process(file, kind, len, None)?;
        std::fs::write(out.path().join("stored"), &p.stored.data)?;
        for (name, v) in &p.variants {
            std::fs::write(out.path().join(name.as_str()), &v.data)?;
        }
        Ok(())
    };
    once()?; // warm-up, as the Pillow script does
    let mut times = Vec::with_capacity(runs);
    for i in 0..runs {
        let t = Instant::now();
        once()?;
        times.push(t.elapsed().as_secs_f64());
        println!("run {}: {:.3} s", i + 1, times[i]);
    }
    times.sort_by(f64::total_cmp);
    println!("median {:.3} s", times[times.len() / 2]);
    println!("peak RSS {} MB", peak_rss_kb() / 1024);
    Ok(())
}

fn save(file: &Path, dir: &Path) -> anyhow::Result<()> {
    let len = std::fs::metadata(file)?.len();
    let head: Vec<u8> = std::fs::read(file)?.into_iter().take(SNIFF_LEN).collect();
    let p = process(file, sniff(&head)?, len, None)?;
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("stored.jpg"), &p.stored.data)?;
    for (name, v) in &p.variants {
        std::fs::write(dir.join(format!("{}.jpg", name.as_str())), &v.data)?;
    }
    Ok(())
}

fn concurrent(file: &Path, n: usize) -> anyhow::Result<()> {
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        let data = tempfile::tempdir()?;
        let db = starpunk::db::Db::open(data.path()).await?;
        let settings = MediaSettings {
            media_dir: data.path().join("media"),
            debug_dir: data.path().join("debug"),
            max_upload: starpunk::media::MAX_UPLOAD,
            site_url: "http://localhost:5000".into(),
            save_failed_uploads: false,
            debug_max_age: std::time::Duration::from_secs(86_400),
            debug_max_bytes: 0,
        };
        let store = MediaStore::with_settings(db, settings);
        let t = Instant::now();
        let saves: Vec<_> = (0..n)
            .map(|_| {
                let (store, file) = (store.clone(), file.to_path_buf());
                tokio::spawn(async move { store.save_file(&file, None).await })
            })
            .collect();
        for s in saves {
            s.await??;
        }
        println!("{n} saves at once: {:.3} s", t.elapsed().as_secs_f64());
        println!("peak RSS {} MB", peak_rss_kb() / 1024);
        Ok(())
    })
}

/// A photo-like JPEG: smooth gradients, soft shapes and sensor-like noise, encoded at
/// quality 92 (what a phone writes), so it compresses like a photograph.
fn make_photo(out: &Path, w: u32, h: u32) -> anyhow::Result<()> {
    let mut seed: u32 = 0x9E37_79B9;
    let mut noise = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        (seed % 25) as f32 - 12.0
    };
    let (fw, fh) = (w as f32, h as f32);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let (u, v) = (x as f32 / fw, y as f32 / fh);
        let sky = 1.0 - v;
        let hill = ((u * 9.0).sin() * 0.08 + 0.55 - v).clamp(-0.05, 0.05) * 10.0 + 0.5;
        let sun = (-((u - 0.7).powi(2) + (v - 0.25).powi(2)) * 60.0).exp();
        let r =
            70.0 + 120.0 * sky * hill + 140.0 * sun + 25.0 * (u * 40.0).sin() * (v * 30.0).cos();
        let g = 90.0 + 100.0 * sky + 60.0 * (1.0 - hill) + 120.0 * sun;
        let b = 60.0 + 170.0 * sky * hill + 30.0 * (v * 55.0).sin();
        let px = |c: f32, n: f32| (c + n).clamp(0.0, 255.0) as u8;
        image::Rgb([px(r, noise()), px(g, noise()), px(b, noise())])
    });
    let mut data = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut data, 92);
    enc.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
    enc.encode(
        img.as_raw(),
        u16::try_from(w)?,
        u16::try_from(h)?,
        jpeg_encoder::ColorType::Rgb,
    )?;
    std::fs::write(out, &data)?;
    println!(
        "wrote {} ({w}×{h}, {:.1} MB)",
        out.display(),
        data.len() as f64 / 1_048_576.0
    );
    Ok(())
}

/// `VmHWM` of this process, in kB (0 where /proc is not available).
fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}
