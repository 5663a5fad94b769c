-- AlterTable
ALTER TABLE "Answer" ADD COLUMN "themes" TEXT;

-- CreateTable
CREATE TABLE "ThemeLexicon" (
    "organisationId" TEXT NOT NULL PRIMARY KEY,
    "themes" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedBy" TEXT NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Callback" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "responseId" TEXT,
    "method" TEXT NOT NULL,
    "encryptedContact" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "handledAt" DATETIME,
    "lastNotifiedAt" DATETIME,
    "expiresAt" DATETIME NOT NULL,
    "answersShared" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "Callback_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Callback_responseId_fkey" FOREIGN KEY ("responseId") REFERENCES "Response" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Callback" ("createdAt", "encryptedContact", "expiresAt", "handledAt", "id", "language", "lastNotifiedAt", "method", "organisationId", "responseId", "status") SELECT "createdAt", "encryptedContact", "expiresAt", "handledAt", "id", "language", "lastNotifiedAt", "method", "organisationId", "responseId", "status" FROM "Callback";
DROP TABLE "Callback";
ALTER TABLE "new_Callback" RENAME TO "Callback";
CREATE INDEX "Callback_organisationId_status_idx" ON "Callback"("organisationId", "status");
CREATE INDEX "Callback_expiresAt_idx" ON "Callback"("expiresAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

