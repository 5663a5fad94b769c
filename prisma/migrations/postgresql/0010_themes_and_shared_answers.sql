-- AlterTable
ALTER TABLE "Answer" ADD COLUMN     "themes" TEXT;

-- AlterTable
ALTER TABLE "Callback" ADD COLUMN     "answersShared" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "ThemeLexicon" (
    "organisationId" TEXT NOT NULL,
    "themes" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedBy" TEXT NOT NULL,

    CONSTRAINT "ThemeLexicon_pkey" PRIMARY KEY ("organisationId")
);

