// A new assignment announces itself, when the agent turned it on: a short tone and a desktop
// notification (where the browser allows them). The choice is kept in this browser.
const KEY = 'cs-notify';
let audio;

export const notifyOn = () => localStorage.getItem(KEY) === 'on';

export async function setNotify(on) {
  localStorage.setItem(KEY, on ? 'on' : 'off');
  if (!on) return;
  // Sound needs a user gesture to start: this click is one.
  audio ??= new AudioContext();
  if ('Notification' in window && Notification.permission === 'default') await Notification.requestPermission();
}

function tone() {
  if (!audio) return;
  const oscillator = audio.createOscillator();
  const gain = audio.createGain();
  oscillator.frequency.value = 880;
  gain.gain.setValueAtTime(0.15, audio.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
  oscillator.connect(gain).connect(audio.destination);
  oscillator.start();
  oscillator.stop(audio.currentTime + 0.4);
}

export function announce(title, body) {
  if (!notifyOn()) return;
  tone();
  if ('Notification' in window && Notification.permission === 'granted' && document.hidden) {
    new Notification(title, { body, tag: 'cs-assignment' });
  }
}
