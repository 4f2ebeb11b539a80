/** A package without tests: selecting it runs nothing (E2eMainTest's empty selection). */
package dev.previewenv.launcher.empty;
