/**
 * Reading QR codes: the camera (BarcodeDetector where the browser has it, jsQR on video frames
 * otherwise) or a photo of the code. Everything is decoded on this device.
 */
import jsQR from 'jsqr';

interface Detector {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}

function nativeDetector(): Detector | undefined {
  const ctor = (globalThis as { BarcodeDetector?: new (o: { formats: string[] }) => Detector }).BarcodeDetector;
  return ctor ? new ctor({ formats: ['qr_code'] }) : undefined;
}

/** The text of the QR code in an image's pixels, or undefined. */
function decodePixels(source: CanvasImageSource, width: number, height: number): string | undefined {
  // Large photos are scaled down: jsQR needs no more than about a megapixel to find a code.
  const scale = Math.min(1, 1200 / Math.max(width, height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
  const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return jsQR(data, canvas.width, canvas.height)?.data;
}

/** The QR code in a picture file (a photo of a licence, a screenshot). */
export async function decodeImageFile(file: File): Promise<string | undefined> {
  const bitmap = await createImageBitmap(file);
  try {
    const native = nativeDetector();
    if (native) {
      const found = await native.detect(bitmap).catch(() => []);
      if (found[0]) return found[0].rawValue;
    }
    return decodePixels(bitmap, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
}

/** Scans the camera until a code is read or `stop()` is called; `video` shows what the camera sees. */
export async function scanCamera(video: HTMLVideoElement, onCode: (text: string) => void): Promise<{ stop(): void }> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  video.srcObject = stream;
  await video.play();
  const native = nativeDetector();
  let stopped = false;
  const stop = () => {
    stopped = true;
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  };
  const tick = async () => {
    if (stopped) return;
    if (video.readyState >= 2) {
      const text = native ? (await native.detect(video).catch(() => []))[0]?.rawValue : decodePixels(video, video.videoWidth, video.videoHeight);
      if (text) {
        stop();
        onCode(text);
        return;
      }
    }
    setTimeout(tick, 200);
  };
  void tick();
  return { stop };
}
